using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class AdaptiveDesign : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "design",
                table: "sweeps",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "design_open",
                table: "sweeps",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "design",
                table: "sweeps");

            migrationBuilder.DropColumn(
                name: "design_open",
                table: "sweeps");
        }
    }
}
