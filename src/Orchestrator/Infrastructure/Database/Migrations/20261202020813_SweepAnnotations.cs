using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScaleLab.Orchestrator.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SweepAnnotations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "archived",
                table: "sweeps",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "notes",
                table: "sweeps",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string[]>(
                name: "tags",
                table: "sweeps",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "archived",
                table: "sweeps");

            migrationBuilder.DropColumn(
                name: "notes",
                table: "sweeps");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "sweeps");
        }
    }
}
